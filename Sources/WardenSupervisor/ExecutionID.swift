/// Time-ordered execution ids: `exec_` + 10 Crockford base-32 characters of milliseconds since
/// the epoch + 16 random ones (the ULID layout), so that ids sort by acceptance time.
public enum ExecutionID {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    public static func make(millisecondsSinceEpoch: UInt64, random: inout some RandomNumberGenerator) -> String {
        var characters: [Character] = []
        characters.reserveCapacity(26)
        var time = millisecondsSinceEpoch
        var timePart: [Character] = []
        for _ in 0..<10 {
            timePart.append(alphabet[Int(time & 31)])
            time >>= 5
        }
        characters.append(contentsOf: timePart.reversed())
        // 80 random bits from two draws (each draw is a getrandom call), 5 bits a character.
        var bits = random.next()
        var bitsLeft = 64
        for _ in 0..<16 {
            if bitsLeft < 5 {
                bits = random.next()
                bitsLeft = 64
            }
            characters.append(alphabet[Int(bits & 31)])
            bits >>= 5
            bitsLeft -= 5
        }
        return "exec_" + String(characters)
    }
}
