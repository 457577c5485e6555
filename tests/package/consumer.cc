// Uses the C++ API of an installed simdact.
#include <cstdio>
#include <vector>

#include "simdact/simdact.hpp"

int main() {
  std::vector<float> x = {1.0f, 2.0f, 3.0f}, y(3);
  if (simdact::Softmax(x.data(), y.data(), 1, 3) != simdact::Status::kOk)
    return 1;
  std::printf("softmax: %g %g %g\n", y[0], y[1], y[2]);
  return (y[0] < y[1] && y[1] < y[2]) ? 0 : 1;
}
