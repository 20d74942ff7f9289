/* dti-collect-onetouch — see lib/onetouch.h and docs/administrator.md "Collectors". */
#include "onetouch.h"

int main(int argc, char **argv)
{
	static const collector_def def = {
		"dti-collect-onetouch",
		"onetouch",
		onetouch_collect,
	};

	return collector_main(&def, argc, argv);
}
