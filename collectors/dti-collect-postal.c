/* dti-collect-postal — see lib/collector.h and docs/README-collectors.md. */
#include "collector.h"

int main(int argc, char **argv)
{
	static const collector_def def = {
		"dti-collect-postal", "postal",
		"Collects postal feeds (Vietnam Post, Viettel Post; 7.5, 7.6, 8.3).",
		NULL,
	};

	return collector_main(&def, argc, argv);
}
