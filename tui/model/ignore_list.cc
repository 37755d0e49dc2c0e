#include "ignore_list.h"

#include <algorithm>

namespace chat {
namespace {

char fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool IgnoreList::FoldedLess::operator()(std::string_view a, std::string_view b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](char x, char y) { return fold(x) < fold(y); });
}

bool IgnoreList::add(std::string_view nick) { return names_.emplace(nick).second; }

bool IgnoreList::remove(std::string_view nick) {
  const auto it = names_.find(nick);
  if (it == names_.end()) return false;
  names_.erase(it);
  return true;
}

bool IgnoreList::contains(std::string_view nick) const { return names_.find(nick) != names_.end(); }

std::vector<std::string> IgnoreList::names() const { return {names_.begin(), names_.end()}; }

}  // namespace chat
