#include "chatbench/cluster_cost.h"

#include <array>
#include <cmath>
#include <cstddef>
#include <optional>

namespace chatbench {
namespace {
constexpr std::size_t kMaxTerms = 3;
using Row = std::array<double, kMaxTerms>;

// Least squares without intercept, through the normal equations (at most 3 terms: a linear
// algebra library would be a dependency for a 3x3 solve). False when they are singular.
bool least_squares(const std::vector<Row>& x, const std::vector<double>& y, std::size_t terms,
                   Row& out) {
  if (x.size() < terms) return false;
  double a[kMaxTerms][kMaxTerms + 1] = {};
  for (std::size_t r = 0; r < x.size(); ++r) {
    for (std::size_t i = 0; i < terms; ++i) {
      for (std::size_t j = 0; j < terms; ++j) a[i][j] += x[r][i] * x[r][j];
      a[i][terms] += x[r][i] * y[r];
    }
  }
  // Columns are scaled to a unit diagonal so that "singular" means collinear, not "large".
  double scale[kMaxTerms];
  for (std::size_t i = 0; i < terms; ++i) {
    if (a[i][i] <= 0) return false;
    scale[i] = 1 / std::sqrt(a[i][i]);
  }
  for (std::size_t i = 0; i < terms; ++i) {
    for (std::size_t j = 0; j < terms; ++j) a[i][j] *= scale[i] * scale[j];
    a[i][terms] *= scale[i];
  }
  for (std::size_t c = 0; c < terms; ++c) {
    std::size_t pivot = c;
    for (std::size_t r = c + 1; r < terms; ++r) {
      if (std::fabs(a[r][c]) > std::fabs(a[pivot][c])) pivot = r;
    }
    if (std::fabs(a[pivot][c]) < 1e-9) return false;
    for (std::size_t j = 0; j <= terms; ++j) std::swap(a[c][j], a[pivot][j]);
    for (std::size_t r = 0; r < terms; ++r) {
      if (r == c) continue;
      const double f = a[r][c] / a[c][c];
      for (std::size_t j = c; j <= terms; ++j) a[r][j] -= f * a[c][j];
    }
  }
  for (std::size_t i = 0; i < terms; ++i) out[i] = a[i][terms] / a[i][i] * scale[i];
  return true;
}
// Microseconds of CPU per unit of each term of `row_of`, over samples with a `cpu_s`.
template <class Sample, class RowOf>
std::optional<Row> fit(const std::vector<Sample>& samples, std::size_t terms, RowOf row_of) {
  std::vector<Row> x;
  std::vector<double> y;
  for (const auto& s : samples) {
    x.push_back(row_of(s));
    y.push_back(s.cpu_s * 1e6);
  }
  Row k{};
  if (!least_squares(x, y, terms, k)) return std::nullopt;
  return k;
}
}  // namespace

NodeCost fit_node_cost(const std::vector<NodeSample>& samples) {
  const auto k = fit(samples, 3, [](const NodeSample& s) {
    return Row{s.published, s.delivered, s.applied};
  });
  if (!k) return {};
  return {.ok = true, .per_publish_us = (*k)[0], .per_delivery_us = (*k)[1],
          .per_apply_us = (*k)[2]};
}

NatsCost fit_nats_cost(const std::vector<NatsSample>& samples) {
  const auto k = fit(samples, 2, [](const NatsSample& s) { return Row{s.messages, s.copies, 0}; });
  if (!k) return {};
  return {.ok = true, .per_message_us = (*k)[0], .per_copy_us = (*k)[1]};
}

ClusterEstimate estimate_cluster(const NodeCost& node, const NatsCost& nats, int nodes,
                                 int members, double cores) {
  ClusterEstimate e;
  if (!node.ok || !nats.ok || nodes < 1 || members < 1 || cores <= 0) return e;
  const double n = nodes;
  // Per room message, each node publishes 1/n of them, writes members/n deliveries and
  // applies the message itself; NATS stores it once and hands it to every node.
  e.node_us_per_message = node.per_publish_us / n + node.per_delivery_us * members / n +
                          node.per_apply_us;
  e.nats_us_per_message = nats.per_message_us + nats.per_copy_us * n;
  const double busiest = e.node_us_per_message + e.nats_us_per_message;
  if (busiest <= 0) return e;
  e.ok = true;
  e.messages_per_s = cores * 1e6 / busiest;
  e.deliveries_per_s = e.messages_per_s * members;
  return e;
}

}  // namespace chatbench
