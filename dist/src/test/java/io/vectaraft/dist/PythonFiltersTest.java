package io.vectaraft.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the Python client's own unit tests (clients/python/test_*.py) with Debian's python3. */
class PythonFiltersTest {
    @Test
    void pythonUnitTestsPass() throws Exception {
        Command tests =
                Command.run(
                        Fixtures.root(),
                        Duration.ofSeconds(120),
                        List.of(
                                Fixtures.python(),
                                "-m",
                                "unittest",
                                "discover",
                                "-s",
                                "clients/python",
                                "-v"));
        assertEquals(0, tests.exit(), "python unittest exit status:\n" + tests.output());
        assertTrue(
                tests.output().contains("test_example_from_the_docs"),
                "the filter tests should have run:\n" + tests.output());
    }
}
