export { logGamma, regularizedUpperGamma } from './gamma';
export { chiSquareGoodnessOfFit, chiSquarePValue, chiSquareStatistic, chiSquareTest, type ChiSquareResult, type GoodnessOfFit } from './chi-square';
export { empiricalDistribution, empiricalTotalVariation } from './empirical';
export { median } from './median';
