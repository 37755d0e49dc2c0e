// The stream sequence a node applies a log command at comes from the message's reply
// subject; both forms JetStream sends are read, and anything else is left to nats.c.
#include <doctest/doctest.h>

#include "cluster/log_stream.h"

namespace chatcore::cluster::test {

TEST_CASE("the stream sequence is read from both forms of a JetStream reply subject") {
  // <stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<time>.<pending>
  CHECK(stream_sequence("$JS.ACK.CHATCORE_LOG.OrdCon1.1.4217.4201.1733150000000000000.12") ==
        4217);
  // <domain>.<account hash>.<stream>.<consumer>.<delivered>.<stream seq>... and a token
  CHECK(stream_sequence("$JS.ACK._.ACCHASH.CHATCORE_LOG.OrdCon1.1.77.70.1733150000000000000.0."
                        "r4nd0m") == 77);
  CHECK(stream_sequence("$JS.ACK.hub.ACCHASH.CHATCORE_LOG.c.2.18446744073709551615.1.1.0") ==
        18446744073709551615ULL);
}

TEST_CASE("a reply subject that is not one of them gives 0, so the library reads it") {
  CHECK(stream_sequence("") == 0);
  CHECK(stream_sequence("_INBOX.abc.def") == 0);
  CHECK(stream_sequence("$JS.ACK.S.C.1.2.3.4") == 0);           // six tokens
  CHECK(stream_sequence("$JS.ACK.S.C.1.x2.3.4.5") == 0);        // not a number
  CHECK(stream_sequence("$JS.ACK.S.C.1.2.3.4.5.6") == 0);       // eight tokens
  CHECK(stream_sequence("$JS.ACK.S.C.1.-2.3.4.5") == 0);
  CHECK(stream_sequence("$JS.ACK.S.C.1.18446744073709551616.3.4.5") == 0);  // too large
  CHECK(stream_sequence("$JS.ACK.a.b.c.d.e.f.g.h.i.j.k.l.m") == 0);  // more than 12 tokens
}

}  // namespace chatcore::cluster::test
