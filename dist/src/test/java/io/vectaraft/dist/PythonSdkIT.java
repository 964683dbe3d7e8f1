package io.vectaraft.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs the Python SDK's tests ({@code clients/python/tests}, pytest with Debian's python3) against
 * this build's image: the tests start {@code bin/vectaraft} themselves with the flags each needs (a
 * log, no log and a small message limit, API keys, three nodes forming a Raft group).
 */
class PythonSdkIT {
    @Test
    void pythonSdkTestsPass() throws Exception {
        Command tests =
                Command.run(
                        Fixtures.root(),
                        Duration.ofMinutes(10),
                        List.of(
                                Fixtures.python(),
                                "-m",
                                "pytest",
                                "-p",
                                "no:cacheprovider",
                                "-v",
                                "clients/python/tests"),
                        Map.of(
                                "VECTARAFT_IMAGE",
                                Fixtures.image().toString(),
                                "PYTHONDONTWRITEBYTECODE",
                                "1"));
        assertEquals(0, tests.exit(), "pytest exit status:\n" + tests.output());
        for (String test :
                List.of(
                        "test_example_from_the_docs",
                        "test_a_bad_row_stops_the_upload_at_its_batch",
                        "test_every_method",
                        "test_a_write_through_one_node_is_read_through_another",
                        "test_failover_reads_see_the_write_on_the_next_node",
                        "test_installs_offline_into_a_fresh_venv_and_talks_to_a_server",
                        "test_stubs_come_from_the_current_proto")) {
            assertTrue(
                    tests.output().contains(test), test + " should have run:\n" + tests.output());
        }
    }
}
