#include "wj_spawn.h"
