/* Uses the C API of an installed simdact. */
#include <math.h>
#include <stdio.h>

#include "simdact/simdact.h"

int main(void) {
  const float x[3] = {-1.0f, 0.0f, 2.0f};
  float y[3];
  simdact_activation act;
  if (simdact_activation_from_name("sigmoid", &act) != SIMDACT_OK) return 1;
  if (simdact_forward(act, NULL, x, y, 3) != SIMDACT_OK) return 1;
  printf("sigmoid on %s: %g %g %g\n", simdact_active_target(), y[0], y[1],
         y[2]);
  return fabsf(y[1] - 0.5f) == 0.0f ? 0 : 1;
}
