package io.vectaraft.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.vectaraft.index.CollectionConflictException;
import io.vectaraft.index.CollectionNotFoundException;
import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.InvalidArgumentException;
import io.vectaraft.index.Metric;
import io.vectaraft.index.PreconditionException;
import io.vectaraft.index.StorageException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Domain failures map to one status each; anything else is INTERNAL without its details. */
class StatusMapperTest {

    private static Status map(Throwable t) {
        return StatusMapper.toStatusException(t).getStatus();
    }

    @Test
    void domainExceptionsKeepTheirMessage() {
        Status s = map(new InvalidArgumentException("top_k: expected 1..10000, got 0"));
        assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode());
        assertEquals("top_k: expected 1..10000, got 0", s.getDescription());
        assertEquals(Status.Code.NOT_FOUND, map(new CollectionNotFoundException("x")).getCode());
        CollectionSpec a = new CollectionSpec("x", 2, Metric.DOT, IndexSpec.flat());
        CollectionSpec b = new CollectionSpec("x", 3, Metric.DOT, IndexSpec.flat());
        assertEquals(
                Status.Code.ALREADY_EXISTS, map(new CollectionConflictException(a, b)).getCode());
        Status precondition = map(new PreconditionException("snapshot: expected a log, got none"));
        assertEquals(Status.Code.FAILED_PRECONDITION, precondition.getCode());
        assertEquals("snapshot: expected a log, got none", precondition.getDescription());
    }

    @Test
    void longDescriptionsAreCutToFitATrailer() {
        Status s = map(new InvalidArgumentException("path: missing " + "p".repeat(20_000)));
        assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode());
        assertTrue(
                s.getDescription().length() < 1100
                        && s.getDescription().endsWith("... (cut, 20014 characters)"),
                s.getDescription());
    }

    @Test
    void storageFailuresAreUnavailableOrResourceExhaustedWhenTheDiskIsFull() {
        assertEquals(
                Status.Code.UNAVAILABLE,
                map(new StorageException(
                                "wal append failed", new IOException("Read-only file system")))
                        .getCode());
        Status full =
                map(
                        new StorageException(
                                "wal append failed: at offset 42",
                                new IOException("No space left on device")));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, full.getCode());
        assertEquals("wal append failed: at offset 42", full.getDescription());
    }

    @Test
    void unexpectedFailuresAreInternalWithAReferenceOnly() {
        Status s = map(new IllegalStateException("secret detail at /var/lib/x"));
        assertEquals(Status.Code.INTERNAL, s.getCode());
        assertFalse(s.getDescription().contains("secret"), s.getDescription());
        assertTrue(
                s.getDescription()
                        .matches("internal error \\(reference [0-9a-f]{8} in the server log\\)"),
                s.getDescription());
        assertEquals(
                Status.Code.UNIMPLEMENTED,
                map(Status.UNIMPLEMENTED.asRuntimeException()).getCode(),
                "statuses pass through");
    }
}
