/**
 * Weight constraints applied after each optimizer step: {@link cthulhu.constraints.MaxNorm},
 * {@link cthulhu.constraints.MinMaxNorm}, {@link cthulhu.constraints.NonNeg},
 * {@link cthulhu.constraints.UnitNorm}, and the registry {@link cthulhu.constraints.Constraints}.
 */
package cthulhu.constraints;
