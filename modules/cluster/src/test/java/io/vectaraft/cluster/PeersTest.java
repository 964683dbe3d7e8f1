package io.vectaraft.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PeersTest {

    @Test
    void parsesIdsAndAddresses() {
        Peers peers = Peers.parse("n1=127.0.0.1:7001, n2=localhost:7002,n3=[::1]:7003");
        assertEquals(3, peers.all().size(), "three peers");
        assertEquals(new Peer("n2", "localhost", 7002), peers.require("n2"), "n2");
        assertEquals("[::1]:7003", peers.require("n3").address(), "IPv6 in brackets");
        assertEquals(
                "n1=127.0.0.1:7001,n2=localhost:7002,n3=[::1]:7003",
                peers.toString(),
                "round trip");
    }

    @Test
    void rejectsMalformedItemsNamingThem() {
        assertMessage("n1=127.0.0.1", "peers: expected id=host:port, got \"n1=127.0.0.1\"");
        assertMessage("127.0.0.1:7001", "peers: expected id=host:port, got \"127.0.0.1:7001\"");
        assertMessage("n1=a:1,", "peers: expected id=host:port, got \"\"");
        assertMessage("n1=a:x", "peers: expected a port number in \"n1=a:x\"");
        assertMessage("n1=a:70000", "peer n1: expected a port 1..65535, got 70000");
        assertMessage("n 1=a:1", "node id: expected 1-64 letters, digits, '-' or '_', got \"n 1\"");
        assertMessage("n1=a:1,n1=b:2", "peers: node id n1 appears twice");
        assertMessage("n1=a:1,n2=a:1", "peers: address a:1 appears twice");
    }

    @Test
    void anUnknownNodeIdListsTheKnownOnes() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Peers.parse("n1=a:1,n2=a:2").require("n9"));
        assertTrue(
                e.getMessage().contains("expected one of the peers (n1, n2), got \"n9\""),
                e.getMessage());
    }

    private static void assertMessage(String text, String message) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Peers.parse(text), text);
        assertEquals(message, e.getMessage(), text);
    }
}
