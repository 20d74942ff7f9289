/* dti-collect-telecom — see lib/collector.h and docs/README-collectors.md. */
#include "collector.h"

int main(int argc, char **argv)
{
	static const collector_def def = {
		"dti-collect-telecom", "telecom",
		"Collects telecom operators' feeds (3.1, 3.2, 7.3, 8.2): one source block per operator; the figures are summed across operators by the current_input view.",
		NULL,
	};

	return collector_main(&def, argc, argv);
}
