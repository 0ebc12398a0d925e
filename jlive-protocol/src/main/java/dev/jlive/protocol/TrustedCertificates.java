package dev.jlive.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS that trusts the certificates in one file (PEM or DER): the controller's own, when it is
 * self-signed, or the CA that signed it. Agents ({@code controllerTrustStore=FILE}) and the CLI
 * ({@code --controller-trust-store FILE}) read it the same way.
 */
public final class TrustedCertificates {
  private TrustedCertificates() {}

  /**
   * An SSL context trusting exactly the certificates in {@code file}.
   *
   * @param option how the user named the file, for the message ({@code controllerTrustStore})
   * @throws JLiveException BAD_REQUEST when the file cannot be read or holds no certificate
   */
  public static SSLContext context(Path file, String option) {
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends Certificate> certificates =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certificates.isEmpty()) {
        throw new CertificateException("no certificate in it");
      }
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int n = 0;
      for (Certificate certificate : certificates) {
        trusted.setCertificateEntry("controller-" + n++, certificate);
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "cannot read " + option + " " + file + ": " + e.getMessage(),
          "give the controller's certificate, or the CA certificate that signed it, as a PEM file"
              + " (e.g. keytool -exportcert -rfc -keystore KEYSTORE.p12 -alias ALIAS)");
    }
  }
}
