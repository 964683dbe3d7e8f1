package io.vectaraft.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Scope patterns: exact names and trailing-'*' prefixes. */
class CollectionScopeTest {
    private final CollectionScope scope = new CollectionScope(List.of("a-*", "shared"));

    @Test
    void exactNamesMatchOnlyThemselves() {
        assertTrue(scope.permits("shared"));
        assertFalse(scope.permits("shared2"), "an exact name is not a prefix");
        assertFalse(scope.permits("share"));
        assertFalse(scope.permits("Shared"), "names are case-sensitive");
    }

    @Test
    void trailingStarIsAPrefix() {
        assertTrue(scope.permits("a-"), "the empty rest matches");
        assertTrue(scope.permits("a-films"));
        assertFalse(scope.permits("a"), "shorter than the prefix");
        assertFalse(scope.permits("b-films"));
        assertFalse(scope.permits("xa-films"), "a prefix, not a substring");
        assertFalse(scope.all());
    }

    @Test
    void aLoneStarIsEverything() {
        assertTrue(CollectionScope.ALL.all());
        assertTrue(CollectionScope.ALL.permits("anything"));
        assertTrue(new CollectionScope(List.of("x", "*")).all());
    }

    @Test
    void badPatternsAreRefused() {
        assertEquals(Optional.empty(), CollectionScope.problem("a-*"));
        assertTrue(CollectionScope.problem("").isPresent(), "empty");
        assertTrue(CollectionScope.problem("a*b").isPresent(), "star inside");
        assertTrue(CollectionScope.problem("*a").isPresent(), "leading star");
        assertTrue(CollectionScope.problem("a**").isPresent(), "two stars");
        assertThrows(IllegalArgumentException.class, () -> new CollectionScope(List.of("a*b")));
    }
}
