package dev.sherlock.source.git;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Date;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.BCPGOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;
import org.eclipse.jgit.lib.GpgConfig;
import org.eclipse.jgit.lib.GpgSignature;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.Signer;
import org.eclipse.jgit.transport.CredentialsProvider;

/**
 * An OpenPGP key made for a test, as {@code gpg --quick-generate-key} makes one for a person: its
 * public half in the ASCII-armored form {@code gpg --armor --export} prints, and a JGit {@link
 * Signer} that signs commits with it as {@code git commit -S} does.
 */
public final class PgpTestKey implements Signer {
  private final PGPKeyPair pair;
  private final PGPPublicKeyRing publicRing;

  public PgpTestKey(String userId) {
    try {
      RSAKeyPairGenerator generator = new RSAKeyPairGenerator();
      generator.init(
          new RSAKeyGenerationParameters(BigInteger.valueOf(65537), new SecureRandom(), 2048, 80));
      pair = new BcPGPKeyPair(PGPPublicKey.RSA_GENERAL, generator.generateKeyPair(), new Date());
      PGPSignatureGenerator certifier = generator(PGPSignature.POSITIVE_CERTIFICATION);
      PGPPublicKey certified =
          PGPPublicKey.addCertification(
              pair.getPublicKey(),
              userId,
              certifier.generateCertification(userId, pair.getPublicKey()));
      publicRing =
          new PGPPublicKeyRing(
              certified.getEncoded(),
              new org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator());
    } catch (PGPException | IOException e) {
      throw new IllegalStateException("cannot make a test key", e);
    }
  }

  /** The commit signed with {@code key} as {@code git commit -S} does; unsigned when null. */
  public static org.eclipse.jgit.api.CommitCommand signed(
      org.eclipse.jgit.api.CommitCommand commit, PgpTestKey key) {
    return commit
        .setSign(key != null)
        .setSigner(key)
        .setSigningKey(key == null ? null : key.keyId());
  }

  /** What {@code gpg --armor --export} prints for this key. */
  public String armoredPublicKey() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ArmoredOutputStream armored = new ArmoredOutputStream(out)) {
      publicRing.encode(armored);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** The key id git and gpg print, 16 hex digits. */
  public String keyId() {
    return "%016X".formatted(pair.getKeyID());
  }

  /** An armored detached signature of {@code data}, as gpg makes for {@code git commit -S}. */
  public byte[] sign(byte[] data) {
    try {
      PGPSignatureGenerator signer = generator(PGPSignature.BINARY_DOCUMENT);
      signer.update(data);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ArmoredOutputStream armored = new ArmoredOutputStream(out);
          BCPGOutputStream packets = new BCPGOutputStream(armored)) {
        signer.generate().encode(packets);
      }
      return out.toByteArray();
    } catch (PGPException | IOException e) {
      throw new IllegalStateException("cannot sign", e);
    }
  }

  private PGPSignatureGenerator generator(int type) throws PGPException {
    PGPSignatureGenerator generator =
        new PGPSignatureGenerator(
            new BcPGPContentSignerBuilder(
                pair.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256),
            pair.getPublicKey());
    generator.init(type, pair.getPrivateKey());
    PGPSignatureSubpacketGenerator subpackets = new PGPSignatureSubpacketGenerator();
    subpackets.setIssuerKeyID(false, pair.getKeyID());
    subpackets.setSignatureCreationTime(false, new Date());
    generator.setHashedSubpackets(subpackets.generate());
    return generator;
  }

  @Override
  public GpgSignature sign(
      Repository repository,
      GpgConfig config,
      byte[] data,
      PersonIdent committer,
      String signingKey,
      CredentialsProvider credentials) {
    return new GpgSignature(sign(data));
  }

  @Override
  public boolean canLocateSigningKey(
      Repository repository,
      GpgConfig config,
      PersonIdent committer,
      String signingKey,
      CredentialsProvider credentials) {
    return true;
  }
}
