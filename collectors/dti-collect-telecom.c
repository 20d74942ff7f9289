/* dti-collect-telecom — see lib/collector.h and docs/administrator.md "Collectors". */
#include "collector.h"

int main(int argc, char **argv)
{
	static const collector_def def = {
		"dti-collect-telecom",
		"telecom",
		NULL,
	};

	return collector_main(&def, argc, argv);
}
