/* dti-collect-postal — see lib/collector.h and README.md "Collectors". */
#include "collector.h"

int main(int argc, char **argv)
{
	static const collector_def def = {
		"dti-collect-postal",
		"postal",
		"Collects the postal feeds of Vietnam Post and Viettel Post (7.5, 7.6,\n"
		"8.3); current_input sums their parcels and orders.",
		NULL,
	};

	return collector_main(&def, argc, argv);
}
