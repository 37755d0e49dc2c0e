#include "transport/transfer_memory.h"

#include <doctest/doctest.h>

#include <vector>

using chatcore::transport::TransferMemory;

TEST_CASE("one transfer alone gets its whole window, in whole chunks") {
  TransferMemory memory(1000, 10);
  auto a = memory.join(10);
  CHECK(memory.window(100) == 100);
  CHECK(a.room() == 100);
  a.take(95);
  CHECK(a.room() == 0);  // 5 bytes left is less than a chunk
  a.give(45);
  CHECK(a.room() == 50);
  CHECK(memory.held() == 50);
}

TEST_CASE("the window shrinks as transfers join, and the budget holds") {
  TransferMemory memory(100, 10);
  std::vector<TransferMemory::Share> shares;
  for (int i = 0; i < 4; ++i) shares.push_back(memory.join(8));
  CHECK(memory.window(80) == 25);
  for (auto& s : shares) {
    CHECK(s.room() == 20);  // whole chunks
    s.take(s.room());
  }
  CHECK(memory.held() == 80);
  for (auto& s : shares) CHECK(s.room() == 0);
  shares.push_back(memory.join(8));
  // 20 left in the budget, but the even share is now 100 / 5 = 20.
  CHECK(shares.back().room() == 20);
  shares.back().take(20);
  CHECK(memory.held() == 100);
  shares.front().give(20);
  CHECK(shares.front().room() == 20);
}

TEST_CASE("a transfer that holds nothing may always take one chunk") {
  TransferMemory memory(30, 10);
  auto a = memory.join(8);
  a.take(a.room());
  CHECK(memory.held() == 30);
  auto b = memory.join(8);
  CHECK(b.room() == 10);
  b.take(10);
  CHECK(b.room() == 0);
  CHECK(a.room() == 0);
}

TEST_CASE("a share gives everything back when it goes") {
  TransferMemory memory(100, 10);
  {
    auto a = memory.join(8);
    a.take(40);
    auto b = std::move(a);
    CHECK(memory.transfers() == 1);
    CHECK(memory.held() == 40);
  }
  CHECK(memory.transfers() == 0);
  CHECK(memory.held() == 0);
}

TEST_CASE("budget 0: every transfer gets the full window") {
  TransferMemory memory(0, 10);
  std::vector<TransferMemory::Share> shares;
  for (int i = 0; i < 50; ++i) shares.push_back(memory.join(8));
  for (auto& s : shares) CHECK(s.room() == 80);
}
