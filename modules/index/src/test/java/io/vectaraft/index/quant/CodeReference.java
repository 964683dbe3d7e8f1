package io.vectaraft.index.quant;

/** Plain loops over int8 codes: what the scorers' kernel arithmetic must reproduce exactly. */
final class CodeReference {
    private CodeReference() {}

    static int dot(byte[] a, int aOffset, byte[] b, int bOffset, int dim) {
        int sum = 0;
        for (int i = 0; i < dim; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }

    static int squareDistance(byte[] a, int aOffset, byte[] b, int bOffset, int dim) {
        int sum = 0;
        for (int i = 0; i < dim; i++) {
            int d = a[aOffset + i] - b[bOffset + i];
            sum += d * d;
        }
        return sum;
    }
}
