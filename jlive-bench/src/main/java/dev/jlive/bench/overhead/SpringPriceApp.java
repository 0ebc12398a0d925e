package dev.jlive.bench.overhead;

import jakarta.servlet.ServletException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.web.MockServletConfig;
import org.springframework.mock.web.MockServletContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.support.AnnotationConfigWebApplicationContext;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

/**
 * {@link SpringDispatch}'s service: a Spring MVC application with one {@code @RestController}
 * ({@code GET /price?sku=&qty=}, the two-thread workload's quote as text) behind a {@code
 * DispatcherServlet}, configured as Spring Boot's web starter configures one ({@code @EnableWebMvc}
 * defaults), and called in-process.
 */
record SpringPriceApp(AnnotationConfigWebApplicationContext context, DispatcherServlet servlet)
    implements AutoCloseable {

  static SpringPriceApp start() throws ServletException {
    AnnotationConfigWebApplicationContext context = new AnnotationConfigWebApplicationContext();
    context.register(Config.class);
    DispatcherServlet servlet = new DispatcherServlet(context);
    servlet.init(new MockServletConfig(new MockServletContext(), "dispatcher"));
    return new SpringPriceApp(context, servlet);
  }

  @Override
  public void close() {
    servlet.destroy();
    context.close();
  }

  @Configuration
  @EnableWebMvc
  public static class Config {
    @Bean
    public PriceController priceController() {
      return new PriceController();
    }
  }

  @RestController
  public static class PriceController {
    @GetMapping("/price")
    public String price(@RequestParam("sku") int sku, @RequestParam("qty") int qty) {
      return Integer.toString(Quote.quote(sku, qty));
    }
  }
}
