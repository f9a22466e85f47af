/* No counter (cores without DWT, in the size proof only). */
#include <stdint.h>

#include "board.h"

void board_counter_init(void)
{
}

uint64_t board_counter_read(void)
{
    return 0;
}

board_counter_info board_counter_unit(void)
{
    board_counter_info info = {"none", 1, 1};
    return info;
}
