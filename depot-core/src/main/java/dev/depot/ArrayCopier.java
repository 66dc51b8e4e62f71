package dev.depot;

/**
 * Copies an array: primitive arrays and arrays of immutable leaves by {@code clone()}, others
 * element by element into a new array of the same class.
 */
final class ArrayCopier implements Copier {
    private final Class<?> arrayClass;
    private final Copier elements;

    ArrayCopier(Class<?> arrayClass, Copier elements) {
        this.arrayClass = arrayClass;
        this.elements = elements;
    }

    @Override
    public Object copy(Object value) {
        if (value == null) {
            return null;
        }
        if (value.getClass() != arrayClass) {
            throw Uncopyable.INSTANCE;
        }
        if (elements == SHARE) {
            return switch (value) {
                case byte[] a -> a.clone();
                case int[] a -> a.clone();
                case long[] a -> a.clone();
                case double[] a -> a.clone();
                case float[] a -> a.clone();
                case short[] a -> a.clone();
                case char[] a -> a.clone();
                case boolean[] a -> a.clone();
                case Object[] a -> a.clone();
                default -> throw Uncopyable.INSTANCE;
            };
        }
        Object[] source = (Object[]) value;
        Object[] target = source.clone(); // same runtime class, no reflection; every slot is replaced
        for (int i = 0; i < source.length; i++) {
            target[i] = elements.copy(source[i]);
        }
        return target;
    }
}
