package dev.tollgate.schemas.serde;

/** The payload does not start with the Confluent wire format magic byte {@code 0x00}. */
public class UnknownMagicByteException extends TollgateSerializationException {

    private static final long serialVersionUID = 1L;

    private final byte magicByte;

    /**
     * Creates the exception.
     *
     * @param topic the topic the payload came from, or {@code null} if unknown
     * @param magicByte the first byte found
     */
    public UnknownMagicByteException(String topic, byte magicByte) {
        super(String.format(
                "Unknown magic byte 0x%02x%s (expected 0x00): not Confluent wire format",
                magicByte & 0xff, Topics.onTopic(topic)));
        this.magicByte = magicByte;
    }

    /**
     * Returns the first byte of the payload.
     *
     * @return the magic byte found
     */
    public byte magicByte() {
        return magicByte;
    }
}
