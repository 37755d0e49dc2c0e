// Sizes, durations, the progress bar and the transfer line.
#include "cells.h"
#include "progress.h"

#include <doctest/doctest.h>

using namespace chat;

TEST_CASE("sizes and durations") {
  CHECK(format_bytes(0) == "0 B");
  CHECK(format_bytes(1023) == "1023 B");
  CHECK(format_bytes(1536) == "1.5 KiB");
  CHECK(format_bytes(3ull << 30) == "3.0 GiB");
  CHECK(format_duration(42) == "42s");
  CHECK(format_duration(185) == "3m05s");
  CHECK(format_duration(3720) == "1h02m");
  CHECK(format_duration(-1) == "--");
}

TEST_CASE("the progress bar is exactly as wide as asked") {
  CHECK(progress_bar(0.5, 12) == "[#####.....]");
  CHECK(progress_bar(0, 6) == "[....]");
  CHECK(progress_bar(1, 6) == "[####]");
  CHECK(progress_bar(2, 6) == "[####]");
}

TEST_CASE("a transfer keeps a rate and an ETA") {
  Transfer t;
  t.name = "big.iso";
  t.total = 1000;
  t.update(100, 1000, 0.1);  // too soon for a sample
  CHECK(t.rate == 0);
  CHECK(t.eta_seconds() < 0);
  t.update(500, 1000, 1.0);
  CHECK(t.rate == doctest::Approx(500));
  CHECK(t.eta_seconds() == doctest::Approx(1.0));
  CHECK(t.fraction() == doctest::Approx(0.5));
  const std::string line = format_transfer(t, 80);
  CHECK(text_width(line) == 80);
  CHECK(line.find("↑ big.iso") == 0);
  CHECK(line.find(" 50%") != std::string::npos);
  CHECK(line.find("500 B/1000 B") != std::string::npos);
  CHECK(line.find("500 B/s") != std::string::npos);
  CHECK(line.find("ETA 1s") != std::string::npos);
  CHECK(line.find("[") != std::string::npos);
  t.upload = false;
  const std::string narrow = format_transfer(t, 40);
  CHECK(text_width(narrow) == 40);
  CHECK(narrow.find("↓") == 0);
}
