package dev.depot.spring.test;

import org.springframework.boot.test.context.filter.annotation.StandardAnnotationCustomizableTypeExcludeFilter;

/** Leaves every scanned component out of a {@link DepotSpringTest} context but those its filters include. */
final class DepotTypeExcludeFilter extends StandardAnnotationCustomizableTypeExcludeFilter<DepotSpringTest> {
    DepotTypeExcludeFilter(Class<?> testClass) {
        super(testClass);
    }
}
