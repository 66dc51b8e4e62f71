/**
 * The Depot conformance kit: the contract of records, transactions and the change feed as JUnit 5
 * tests that every backend runs unchanged.
 *
 * <p>A backend author does three things:
 *
 * <ol>
 *   <li>implements {@link dev.depot.tck.DepotFixture} (open a depot with the kit's {@link
 *       dev.depot.testing.TestClock}, a name, optionally the credential in the URL and a close);
 *   <li>extends {@link dev.depot.tck.DepotConformanceSuite} in a test class and returns the fixture
 *       from {@code fixture()};
 *   <li>declares in {@code capabilities()} exactly what the backend supports: tests that need a
 *       missing capability are skipped, and the kit checks that a missing capability fails loudly
 *       with {@code UnsupportedOperationException}.
 * </ol>
 *
 * <p>Tests use only the public API, open one depot per suite and call {@code depot.clear()} before
 * each test; concurrency tests synchronise with latches and barriers and only wait with generous
 * hang guards, so a slow backend is slower, never flaky. The value types and schemas the kit stores
 * are in {@link dev.depot.tck.KitModel}.
 */
package dev.depot.tck;

