// Collects the largest error seen per kernel and target, and prints them as
// one table when the test binary ends (the README's accuracy table).
#ifndef SIMDACT_TESTS_ACCURACY_REPORT_H_
#define SIMDACT_TESTS_ACCURACY_REPORT_H_

#include <stdio.h>

#include <map>
#include <mutex>
#include <string>

#include "gtest/gtest.h"

namespace simdact {
namespace test {

class AccuracyReport : public testing::Environment {
 public:
  static AccuracyReport& Get() {
    static AccuracyReport* report = [] {
      auto* r = new AccuracyReport;
      testing::AddGlobalTestEnvironment(r);
      return r;
    }();
    return *report;
  }

  void Record(const std::string& kernel, const std::string& target,
              double err) {
    std::lock_guard<std::mutex> lock(mutex_);
    double& slot = table_[kernel][target];
    if (err > slot) slot = err;
  }

  void TearDown() override {
    if (table_.empty()) return;
    printf("\nLargest error per kernel and target (%s):\n", unit_);
    for (const auto& [kernel, per_target] : table_) {
      printf("  %-36s", kernel.c_str());
      for (const auto& [target, err] : per_target) {
        printf(" %s=%g", target.c_str(), err);
      }
      printf("\n");
    }
  }

 private:
  const char* unit_ = "float ULPs vs the double reference";
  std::mutex mutex_;
  std::map<std::string, std::map<std::string, double>> table_;
};

}  // namespace test
}  // namespace simdact

#endif  // SIMDACT_TESTS_ACCURACY_REPORT_H_
