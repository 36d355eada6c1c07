// CPrefetch is header-only (`include/prefetch.h`); SwiftPM needs one source file per C target.
#include "prefetch.h"
