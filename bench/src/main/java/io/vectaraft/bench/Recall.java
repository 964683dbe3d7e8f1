package io.vectaraft.bench;

/**
 * Recall@k against the ground-truth files, tie-aware as in ann-benchmarks: a returned id counts
 * when it is one of the true k or scores (in double precision) no worse than the true k-th, so
 * exact duplicates in the data do not read as misses.
 */
final class Recall {
    private final Dataset data;
    private final int[] truth;
    private final String metric;
    private final int k;

    Recall(Dataset data, String metric, int k) throws java.io.IOException {
        if (k > data.gtK()) {
            throw new IllegalArgumentException(
                    "--k: expected at most " + data.gtK() + " (ground truth depth), got " + k);
        }
        this.data = data;
        this.metric = metric;
        this.k = k;
        this.truth = data.groundTruth(metric);
    }

    /**
     * The fraction of the k true neighbours of query {@code q} found in {@code ids} (its first k;
     * fewer ids than k count as misses).
     */
    double of(int q, int[] ids) {
        double kth = cost(q, truth[q * data.gtK() + k - 1]);
        double slack = 1e-6 * Math.abs(kth) + 1e-9;
        int hits = 0;
        for (int i = 0; i < Math.min(k, ids.length); i++) {
            int id = ids[i];
            if (id < 0 || id >= data.n()) {
                continue;
            }
            if (isTrue(q, id) || cost(q, id) <= kth + slack) {
                hits++;
            }
        }
        return hits / (double) k;
    }

    private boolean isTrue(int q, int id) {
        int from = q * data.gtK();
        for (int i = 0; i < k; i++) {
            if (truth[from + i] == id) {
                return true;
            }
        }
        return false;
    }

    /** Lower is better. */
    private double cost(int q, int id) {
        int dim = data.dim();
        float[] qs = data.queries();
        // A base kept in its file (too large for an array) is read a row at a time: recall reads
        // about k + 1 rows per query, after the timed part.
        float[] b = data.base() != null ? data.base() : row(id);
        int bo = data.base() != null ? id * dim : 0;
        return switch (metric) {
            case "euclidean" -> {
                double s = 0;
                for (int j = 0; j < dim; j++) {
                    double d = (double) qs[q * dim + j] - b[bo + j];
                    s += d * d;
                }
                yield s;
            }
            case "cosine" -> {
                double qn = Math.sqrt(dot(qs, q * dim, qs, q * dim));
                double bn = Math.sqrt(dot(b, bo, b, bo));
                yield -dot(qs, q * dim, b, bo) / (qn * bn);
            }
            default -> -dot(qs, q * dim, b, bo);
        };
    }

    private float[] row(int id) {
        try {
            return data.rows(id, id + 1)[0];
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private double dot(float[] a, int ao, float[] b, int bo) {
        double s = 0;
        for (int j = 0; j < data.dim(); j++) {
            s += (double) a[ao + j] * b[bo + j];
        }
        return s;
    }
}
