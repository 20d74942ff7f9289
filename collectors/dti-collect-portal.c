/* dti-collect-portal — see lib/collector.h and README.md "Collectors". */
#include "collector.h"

int main(int argc, char **argv)
{
	static const collector_def def = {
		"dti-collect-portal",
		"portal",
		"Collects public-service portal statistics (indicators 6.2 and 6.3):\n"
		"dvc_* and dossiers_* per commune.",
		NULL,
	};

	return collector_main(&def, argc, argv);
}
