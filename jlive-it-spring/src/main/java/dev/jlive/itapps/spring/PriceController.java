package dev.jlive.itapps.spring;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Lazy;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * GET /price?item=apple&quantity=3. The service comes through a lazy CGLIB proxy, as Spring makes
 * them.
 */
@RestController
public class PriceController {
  private final QuoteService quotes;

  public PriceController(@Lazy @Autowired QuoteService quotes) {
    this.quotes = quotes;
  }

  @GetMapping("/price")
  public String price(
      @RequestParam(defaultValue = "apple") String item,
      @RequestParam(defaultValue = "1") int quantity) {
    return quotes.quote(item, quantity);
  }
}
