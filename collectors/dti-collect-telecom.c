/* dti-collect-telecom — see lib/collector.h and README.md "Collectors". */
#include "collector.h"

int main(int argc, char **argv)
{
	static const collector_def def = {
		"dti-collect-telecom",
		"telecom",
		"Collects the telecom operators' feeds (3.1, 3.2, 7.3, 8.2), one source\n"
		"block per operator; current_input sums the operators' figures.",
		NULL,
	};

	return collector_main(&def, argc, argv);
}
