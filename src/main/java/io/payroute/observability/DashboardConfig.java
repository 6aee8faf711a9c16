package io.payroute.observability;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The operations dashboard: static files in static/dashboard/, served by Spring at /dashboard. The page holds no
 * secret; it asks for the admin key and calls the analytics and admin APIs with it (docs/observability.md).
 */
@Configuration
public class DashboardConfig implements WebMvcConfigurer {

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/dashboard", "/dashboard/");
        registry.addViewController("/dashboard/").setViewName("forward:/dashboard/index.html");
    }
}
