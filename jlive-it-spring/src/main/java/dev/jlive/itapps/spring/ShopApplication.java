package dev.jlive.itapps.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;

/** A Spring Boot web service; prints {@code ready port=N} once Tomcat listens. */
@SpringBootApplication
public class ShopApplication {
  public static void main(String[] args) {
    SpringApplication.run(ShopApplication.class, args);
  }

  @EventListener
  public void ready(WebServerInitializedEvent event) {
    System.out.println(
        "ready port=" + event.getWebServer().getPort() + " pid=" + ProcessHandle.current().pid());
  }
}
