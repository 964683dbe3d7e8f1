package io.vectaraft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./bench.sh} end to end, as a user runs it after a clone: a tiny generated data set, then
 * {@code compare} (our flat scan, FAISS beside it, the ratio table). Runs after the harness jar is
 * packaged, so the script finds it current and does not build again.
 */
class BenchCommandIT {
    private static final Path ROOT = Path.of(System.getProperty("vectaraft.root")).normalize();

    @Test
    void compareRunsOursAndFaissOnATinyDataSet(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("tiny");
        Run made =
                bench(
                        "data",
                        "synthetic",
                        data.toString(),
                        "--n",
                        "2000",
                        "--dim",
                        "24",
                        "--nq",
                        "20",
                        "--clusters",
                        "4");
        assertEquals(0, made.exit(), "bench.sh data synthetic:\n" + made.output());
        assertTrue(Files.isRegularFile(data.resolve("meta.json")), "meta.json written");

        Run compare =
                bench(
                        "compare",
                        "--data",
                        data.toString(),
                        "--metric",
                        "euclidean",
                        "--k",
                        "5",
                        "--threads",
                        "1",
                        "--warmup-min",
                        "0",
                        "--warmup-max",
                        "2",
                        "--round",
                        "0.5",
                        "--duration",
                        "1");
        assertEquals(0, compare.exit(), "bench.sh compare:\n" + compare.output());
        assertTrue(
                compare.output().contains("\"engine\": \"vectaraft\"")
                        || compare.output().contains("\"engine\":\"vectaraft\""),
                "our JSON line:\n" + compare.output());
        assertTrue(compare.output().contains("faiss"), "the peer's line:\n" + compare.output());
        assertTrue(
                compare.output()
                        .lines()
                        .anyMatch(l -> l.startsWith("recall_at_k") && l.contains("1.000")),
                "exact search on both sides finds the true neighbours:\n" + compare.output());
        assertTrue(
                !compare.output().contains("bench: building"),
                "the packaged harness is current, so bench.sh must not build again:\n"
                        + compare.output());
    }

    @Test
    void hnswBesideLuceneAlternatesFreshJvmsOnIndexesLoadedFromDisk(@TempDir Path dir)
            throws Exception {
        Path data = dir.resolve("tiny");
        Run made =
                bench(
                        "data",
                        "synthetic",
                        data.toString(),
                        "--n",
                        "1500",
                        "--dim",
                        "16",
                        "--nq",
                        "20",
                        "--clusters",
                        "4");
        assertEquals(0, made.exit(), "bench.sh data synthetic:\n" + made.output());
        Run run =
                bench(
                        "hnsw-vs-lucene",
                        "--data",
                        data.toString(),
                        "--passes",
                        "1",
                        "--ef",
                        "16,64",
                        "--warmup-min",
                        "0",
                        "--warmup-max",
                        "1",
                        "--round",
                        "0.2",
                        "--duration",
                        "0.5",
                        "--target",
                        "0.5");
        assertEquals(0, run.exit(), "bench.sh hnsw-vs-lucene:\n" + run.output());
        assertTrue(
                run.output().contains("\"engine\": \"vectaraft\"")
                        && run.output().contains("\"engine\": \"lucene\""),
                "one JSON line per engine and beam width:\n" + run.output());
        assertTrue(
                run.output().contains("ratio vectaraft / lucene (qps) at recall@k 0.5: median"),
                "the median ratio of the passes:\n" + run.output());
        assertTrue(
                Files.isRegularFile(
                        data.resolve(
                                "indexes/vectaraft-none-euclidean-m16-efc200/bench-index.json")),
                "our index was built into a directory once");
    }

    @Test
    void anUnknownOptionOrValueIsAnErrorNotIgnored(@TempDir Path dir) throws Exception {
        Run option = bench("hnsw", "--data", dir.toString(), "--quantisation", "int8");
        assertEquals(2, option.exit(), "a mistyped option:\n" + option.output());
        assertTrue(
                option.output().contains("unknown option --quantisation"),
                "names the option:\n" + option.output());
        Run value = bench("lucene", "--data", dir.toString(), "--quantization", "int4");
        assertEquals(2, value.exit(), "an unknown value:\n" + value.output());
        assertTrue(
                value.output()
                        .contains("--quantization: expected one of none, int7, binary, got int4"),
                "names the value:\n" + value.output());
    }

    private record Run(int exit, String output) {}

    private static Run bench(String... args) throws IOException, InterruptedException {
        List<String> command =
                new ArrayList<>(List.of("bash", ROOT.resolve("bench.sh").toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("bench-command", ".log");
        try {
            ProcessBuilder builder =
                    new ProcessBuilder(command)
                            .directory(ROOT.toFile())
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile());
            // A small heap: the data set is tiny and other test JVMs share the machine.
            builder.environment().put("BENCH_HEAP", "256m");
            builder.environment().remove("BENCH_REBUILD");
            Process process = builder.start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
                throw new AssertionError(command + " did not finish in 5 minutes:\n" + read(log));
            }
            return new Run(process.exitValue(), read(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String read(Path log) throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }
}
