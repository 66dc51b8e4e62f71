package dev.depot.spi;

import java.util.List;

/**
 * A validated condition tree handed to a backend: index tests ({@link Predicate}) combined with OR
 * and AND. Core has already pushed every NOT down into complementary tests, so a backend never sees
 * a negation, and null index values match only {@code IS_NULL} (SQL's three-valued logic): a SQL
 * backend may translate the tree literally.
 */
public sealed interface Filter permits Predicate, Filter.AnyOf, Filter.AllOf {

    /** Whether a record's index values (by position, possibly null) satisfy this filter. */
    boolean test(CollectionSpec spec, Object[] indexValues);

    /**
     * At least one of {@code filters} holds.
     *
     * @param filters two or more filters, none of them an {@code AnyOf}
     */
    record AnyOf(List<Filter> filters) implements Filter {
        public AnyOf {
            filters = List.copyOf(filters);
        }

        @Override
        public boolean test(CollectionSpec spec, Object[] indexValues) {
            for (Filter f : filters) {
                if (f.test(spec, indexValues)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * All of {@code filters} hold; appears only inside an {@link AnyOf}.
     *
     * @param filters two or more filters, none of them an {@code AllOf}
     */
    record AllOf(List<Filter> filters) implements Filter {
        public AllOf {
            filters = List.copyOf(filters);
        }

        @Override
        public boolean test(CollectionSpec spec, Object[] indexValues) {
            for (Filter f : filters) {
                if (!f.test(spec, indexValues)) {
                    return false;
                }
            }
            return true;
        }
    }
}
