package dev.sherlock.source.git;

import dev.sherlock.UserError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.util.RawParseUtils;

/**
 * {@code sherlock.git.require-signed-commits}: a commit applies only with a valid OpenPGP signature
 * ({@code git commit -S}, the {@code gpgsig} header) by one of the configured public keys - not
 * revoked, not expired when it signed. The keys are the configuration, never a keyring or a key
 * server: what this replica trusts is what the platform team wrote down.
 */
final class CommitSignatures {
  private static final byte[] GPGSIG = "gpgsig".getBytes(StandardCharsets.US_ASCII);
  private static final String ARMOR_BEGIN = "-----BEGIN PGP PUBLIC KEY BLOCK-----";

  private final PGPPublicKeyRingCollection keys;

  private CommitSignatures(PGPPublicKeyRingCollection keys) {
    this.keys = keys;
  }

  /**
   * The keys from their ASCII-armored export ({@code gpg --armor --export KEYID}, several may
   * follow each other).
   *
   * @throws UserError when the text holds no OpenPGP public key
   */
  static CommitSignatures of(String armoredKeys) {
    List<PGPPublicKeyRing> rings = new ArrayList<>();
    try {
      // One armored block per export; files appended to each other are several blocks.
      for (String block : armoredKeys.split("(?=" + ARMOR_BEGIN + ")")) {
        if (block.isBlank()) {
          continue;
        }
        try (InputStream in =
            PGPUtil.getDecoderStream(
                new ByteArrayInputStream(block.getBytes(StandardCharsets.US_ASCII)))) {
          new PGPPublicKeyRingCollection(in, new BcKeyFingerprintCalculator()).forEach(rings::add);
        }
      }
      if (rings.isEmpty()) {
        throw new UserError("sherlock.git.signing-keys holds no OpenPGP public key");
      }
      return new CommitSignatures(new PGPPublicKeyRingCollection(rings));
    } catch (IOException | PGPException | RuntimeException e) {
      if (e instanceof UserError u) {
        throw u;
      }
      throw new UserError(
          "sherlock.git.signing-keys is not an ASCII-armored OpenPGP public key export (gpg"
              + " --armor --export): "
              + UserError.oneLine(e));
    }
  }

  /** The configured keys, as {@code /api/policies} shows them: fingerprint and first user id. */
  List<String> describe() {
    List<String> described = new ArrayList<>();
    for (PGPPublicKeyRing ring : keys) {
      PGPPublicKey key = ring.getPublicKey();
      Iterator<String> ids = key.getUserIDs();
      described.add(
          HexFormat.of().withUpperCase().formatHex(key.getFingerprint())
              + (ids.hasNext() ? " " + ids.next() : ""));
    }
    return described;
  }

  /** Why the commit may not apply; empty when one of the keys signed exactly this commit. */
  Optional<String> refusal(RevCommit commit) {
    byte[] signature = commit.getRawGpgSignature();
    if (signature == null) {
      return Optional.of("it is not signed");
    }
    if (new String(signature, StandardCharsets.US_ASCII)
        .startsWith(Constants.SSH_SIGNATURE_PREFIX)) {
      return Optional.of("it is signed with an SSH key; only OpenPGP signatures are checked");
    }
    PGPSignatureList signatures;
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(signature))) {
      Object read = new BcPGPObjectFactory(in).nextObject();
      if (!(read instanceof PGPSignatureList list) || list.isEmpty()) {
        return Optional.of("its signature is not an OpenPGP signature");
      }
      signatures = list;
    } catch (IOException | RuntimeException e) {
      return Optional.of("its signature cannot be read: " + UserError.oneLine(e));
    }
    byte[] payload = signedPayload(commit.getRawBuffer());
    List<String> why = new ArrayList<>();
    for (PGPSignature s : signatures) {
      String keyId = "%016X".formatted(s.getKeyID());
      PGPPublicKey key = keys.getPublicKey(s.getKeyID());
      if (key == null) {
        why.add(
            "it is signed by key %s, which is not one of sherlock.git.signing-keys"
                .formatted(keyId));
        continue;
      }
      if (key.hasRevocation()) {
        why.add("key %s that signed it is revoked".formatted(keyId));
        continue;
      }
      Instant signed = s.getCreationTime().toInstant();
      long valid = key.getValidSeconds();
      if (valid > 0 && signed.isAfter(key.getCreationTime().toInstant().plusSeconds(valid))) {
        why.add("key %s had expired when it signed".formatted(keyId));
        continue;
      }
      try {
        s.init(new BcPGPContentVerifierBuilderProvider(), key);
        s.update(payload);
        if (s.verify()) {
          return Optional.empty();
        }
        why.add("its signature by key %s does not match the commit".formatted(keyId));
      } catch (PGPException | RuntimeException e) {
        why.add(
            "its signature by key %s cannot be checked: %s".formatted(keyId, UserError.oneLine(e)));
      }
    }
    return Optional.of(String.join("; ", why));
  }

  /**
   * What git signed: the commit object without its {@code gpgsig} header (whose value goes on over
   * the lines that start with a space), cut as JGit's own verifiers cut it.
   */
  static byte[] signedPayload(byte[] raw) {
    int start = RawParseUtils.headerStart(GPGSIG, raw, 0);
    if (start < 0) {
      return raw;
    }
    int end = RawParseUtils.headerEnd(raw, start); // on the header's last LF, which goes too
    if (end < raw.length) {
      end++;
    }
    start -= GPGSIG.length + 1; // back over "gpgsig "
    byte[] payload = new byte[raw.length - (end - start)];
    System.arraycopy(raw, 0, payload, 0, start);
    System.arraycopy(raw, end, payload, start, raw.length - end);
    return payload;
  }
}
