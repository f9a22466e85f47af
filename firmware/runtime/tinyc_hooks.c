#include "tinyc_hooks.h"

tinyc_op_hook_fn tinyc_op_hook = 0;
tinyc_failure tinyc_last_failure = {-1, 0};
