package dev.jlive.bench.overhead;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.protocol.probe.ProbeSpec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** SpringDispatch measures real Spring requests: each one reaches the controller and answers. */
class SpringDispatchTest {
  @Test
  void aRequestGoesThroughSpringToTheControllerAndBack() throws Exception {
    try (SpringPriceApp app = SpringPriceApp.start()) {
      MockHttpServletRequest request = new MockHttpServletRequest("GET", "/price");
      request.addParameter("sku", "41");
      request.addParameter("qty", "3");
      MockHttpServletResponse response = new MockHttpServletResponse();
      app.servlet().service(request, response);

      assertThat(response.getStatus()).isEqualTo(200);
      assertThat(new String(response.getContentAsByteArray(), StandardCharsets.UTF_8))
          .isEqualTo(Integer.toString(Quote.quote(41, 3)));
      assertThat(SpringDispatch.request(app, 42))
          .isEqualTo(Integer.toString(Quote.quote(42, 42 & 7)).length());
    }
  }

  @Test
  void everyScenarioHasAValidSpecForTheDefaultTarget() {
    assertThat(SpringDispatch.spec("none", SpringDispatch.SELECTOR)).isNull();
    for (String scenario : new String[] {"count", "metrics", "metrics-every-call"}) {
      Map<String, Object> spec = SpringDispatch.spec(scenario, SpringDispatch.SELECTOR);
      assertThat(spec).containsEntry("selector", SpringDispatch.SELECTOR);
      assertThat(ProbeSpec.fromJson(spec).toJson()).isEqualTo(spec);
    }
  }
}
