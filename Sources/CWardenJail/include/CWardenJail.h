#include "wj_spawn.h"
#include "wj_fd.h"
