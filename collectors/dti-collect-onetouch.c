/* dti-collect-onetouch — see lib/onetouch.h and README.md "Collectors". */
#include "onetouch.h"

int main(int argc, char **argv)
{
	static const collector_def def = {
		"dti-collect-onetouch",
		"onetouch",
		"Counts the learners of each commune who completed OneTouch training in the\n"
		"year (indicator 4.6) from the OneTouch export, read as a stream.",
		onetouch_collect,
	};

	return collector_main(&def, argc, argv);
}
