package io.payroute.routing;

import java.util.random.RandomGenerator;

/**
 * Draws from a Beta(alpha, beta) distribution as X / (X + Y) with X ~ Gamma(alpha), Y ~ Gamma(beta), the Gammas by
 * Marsaglia and Tsang's method ("A simple method for generating gamma variables", 2000).
 */
final class BetaSampler {

    private BetaSampler() {
    }

    static double sample(RandomGenerator random, double alpha, double beta) {
        double x = gamma(random, alpha);
        double y = gamma(random, beta);
        return x / (x + y);
    }

    private static double gamma(RandomGenerator random, double shape) {
        if (shape < 1) {
            // Gamma(a) = Gamma(a + 1) · U^(1/a)
            return gamma(random, shape + 1) * Math.pow(random.nextDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = random.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = random.nextDouble();
            if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }
}
