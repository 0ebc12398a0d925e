package dev.jlive.itapps.spring;

import org.springframework.stereotype.Service;

/** Prices in cents: 250 a unit. */
@Service
public class QuoteService {
  static final int UNIT_CENTS = 250;

  public String quote(String item, int quantity) {
    return item + " x" + quantity + " costs " + quantity * UNIT_CENTS;
  }
}
