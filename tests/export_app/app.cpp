// The export's headers from C++: both models' API, linked against the C objects.
#include "kws.h"
#include "ad01.h"

int main()
{
    if (kws_init() != 0 || ad01_init() != 0)
        return 1;
    static_cast<signed char *>(kws_input(0))[0] = 0;
    return kws_invoke() | ad01_invoke();
}
