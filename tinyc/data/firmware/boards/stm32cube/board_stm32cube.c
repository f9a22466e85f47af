/* Board glue for ST boards on PlatformIO's `stm32cube` framework (HAL): the tinyc UART is
 * the board's ST-LINK virtual COM port, polled through the HAL; the counter is DWT
 * (dwt/counter_dwt.c). The core runs at its reset clock (HSI/MSI): cycle counts do not
 * depend on it, and the UART's baud rate is computed by the HAL from the real clock.
 *
 * tinyc passes, from boards/<id>.toml (tinyc/build/platformio.py spells every name out, so
 * no HAL macro is pasted together here):
 *   TINYC_HAL_HEADER "stm32f7xx_hal.h"   TINYC_UART USART3   TINYC_BAUD 115200
 *   TINYC_UART_CLK_ENABLE __HAL_RCC_USART3_CLK_ENABLE   TINYC_UART_AF GPIO_AF7_USART3
 *   TINYC_TX_GPIO GPIOD  TINYC_TX_PIN GPIO_PIN_8  TINYC_TX_CLK_ENABLE __HAL_RCC_GPIOD_CLK_ENABLE
 *   (and the same for RX)   TINYC_VDDIO2 1 on the STM32L4+ (port G is powered separately) */
#include <stdint.h>

#include TINYC_HAL_HEADER

#include "board.h"

static UART_HandleTypeDef uart;

void SysTick_Handler(void)
{
    HAL_IncTick();
}

static void pin_init(GPIO_TypeDef *port, uint32_t pin)
{
    GPIO_InitTypeDef g = {0};
    g.Pin = pin;
    g.Mode = GPIO_MODE_AF_PP;
    g.Pull = GPIO_PULLUP;
    g.Speed = GPIO_SPEED_FREQ_VERY_HIGH;
    g.Alternate = TINYC_UART_AF;
    HAL_GPIO_Init(port, &g);
}

void board_init(void)
{
    HAL_Init();
#if defined(__CORTEX_M) && (__CORTEX_M == 7U)
    SCB_EnableICache();
    SCB_EnableDCache();
#endif
#if defined(TINYC_VDDIO2) && TINYC_VDDIO2
    __HAL_RCC_PWR_CLK_ENABLE();
    HAL_PWREx_EnableVddIO2();
#endif
    TINYC_TX_CLK_ENABLE();
    TINYC_RX_CLK_ENABLE();
    TINYC_UART_CLK_ENABLE();
    pin_init(TINYC_TX_GPIO, TINYC_TX_PIN);
    pin_init(TINYC_RX_GPIO, TINYC_RX_PIN);

    uart.Instance = TINYC_UART;
    uart.Init.BaudRate = TINYC_BAUD;
    uart.Init.WordLength = UART_WORDLENGTH_8B;
    uart.Init.StopBits = UART_STOPBITS_1;
    uart.Init.Parity = UART_PARITY_NONE;
    uart.Init.Mode = UART_MODE_TX_RX;
    uart.Init.HwFlowCtl = UART_HWCONTROL_NONE;
    uart.Init.OverSampling = UART_OVERSAMPLING_16;
    /* A byte lost while the core computes must not lock the receiver: the host retries. */
    uart.AdvancedInit.AdvFeatureInit = UART_ADVFEATURE_RXOVERRUNDISABLE_INIT;
    uart.AdvancedInit.OverrunDisable = UART_ADVFEATURE_OVERRUN_DISABLE;
    if (HAL_UART_Init(&uart) != HAL_OK) {
        for (;;) {
        }
    }
    board_counter_init();
}

void board_uart_write(const uint8_t *data, uint32_t len)
{
    while (len > 0) {
        uint16_t n = len > 0xFFFFu ? 0xFFFFu : (uint16_t)len;
        HAL_UART_Transmit(&uart, (uint8_t *)data, n, HAL_MAX_DELAY);
        data += n;
        len -= n;
    }
}

int board_uart_read_byte(void)
{
    uint8_t c;
    while (HAL_UART_Receive(&uart, &c, 1, HAL_MAX_DELAY) != HAL_OK) {
    }
    return c;
}
