#include "util/exact_number.h"

#include <cstdio>
#include <cstdlib>

namespace pretrain {

std::string exactNumber(double x) {
  char buf[32];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, x);
    if (std::strtod(buf, nullptr) == x) break;
  }
  return buf;
}

}  // namespace pretrain
