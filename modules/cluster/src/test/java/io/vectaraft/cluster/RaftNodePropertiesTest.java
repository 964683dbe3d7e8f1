package io.vectaraft.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;

/** The cluster options reach the Ratis server's properties. */
class RaftNodePropertiesTest {
    private static RaftProperties properties(boolean leaderLease) {
        ClusterOptions options =
                new ClusterOptions(
                        "n1",
                        Peers.parse("n1=127.0.0.1:7001,n2=127.0.0.1:7002,n3=127.0.0.1:7003"),
                        Path.of("raft"),
                        Path.of("vectors"),
                        Duration.ofMillis(400),
                        leaderLease,
                        false);
        return RaftNode.serverProperties(options, 1000, 1 << 20);
    }

    @Test
    void leaderLeaseFollowsTheOption() {
        assertEquals(true, RaftServerConfigKeys.Read.leaderLeaseEnabled(properties(true)));
        assertEquals(false, RaftServerConfigKeys.Read.leaderLeaseEnabled(properties(false)));
    }

    @Test
    void linearizableReadsAndTheElectionTimeoutRange() {
        RaftProperties p = properties(true);
        assertEquals(
                RaftServerConfigKeys.Read.Option.LINEARIZABLE, RaftServerConfigKeys.Read.option(p));
        assertEquals(400, RaftServerConfigKeys.Rpc.timeoutMin(p).toLong(TimeUnit.MILLISECONDS));
        assertEquals(800, RaftServerConfigKeys.Rpc.timeoutMax(p).toLong(TimeUnit.MILLISECONDS));
    }
}
