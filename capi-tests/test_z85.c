/* zmq_z85_encode / zmq_z85_decode (ZeroMQ RFC 32). */
#include "testutil.h"

#include <stdint.h>

/* The Z85 alphabet, in digit order, as given by RFC 32. */
static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH"
                               "IJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

static int in_alphabet (char c)
{
    return c != '\0' && strchr (alphabet, c) != NULL;
}

int main (void)
{
    const uint8_t hello_bytes[8] = {0x86, 0x4F, 0xD2, 0x6F,
                                    0xB5, 0x59, 0xF7, 0x5B};
    char text[1024];
    uint8_t bytes[1024];

    tu_init ();

    tu_begin ("RFC 32 test vector: encode");
    {
        char *r;
        memset (text, 'x', sizeof text);
        r = zmq_z85_encode (text, hello_bytes, 8);
        CHECK (r == text);
        CHECK_STR (r, "HelloWorld");
        CHECK_EQ (text[10], '\0');
        CHECK_EQ (text[11], 'x');
    }

    tu_begin ("RFC 32 test vector: decode");
    {
        uint8_t *r;
        memset (bytes, 0xAA, sizeof bytes);
        r = zmq_z85_decode (bytes, "HelloWorld");
        CHECK (r == bytes);
        CHECK_MEM (bytes, hello_bytes, 8);
        CHECK_EQ (bytes[8], 0xAA);
    }

    tu_begin ("32-byte key round trip");
    {
        uint8_t key[32];
        uint8_t back[32];
        char z[41];
        size_t i;
        for (i = 0; i < 32; i++)
            key[i] = (uint8_t) i;
        memset (z, 'x', sizeof z);
        CHECK (zmq_z85_encode (z, key, 32) == z);
        CHECK_EQ_U (strlen (z), 40);
        CHECK_STR (z, "009c61o!#m2NH?C3>iWS5d]J*6CRx17-skh9337x");
        memset (back, 0, sizeof back);
        CHECK (zmq_z85_decode (back, z) == back);
        CHECK_MEM (back, key, 32);

        for (i = 0; i < 32; i++)
            key[i] = (uint8_t) (0xFF - i * 7);
        CHECK (zmq_z85_encode (z, key, 32) == z);
        CHECK_EQ_U (strlen (z), 40);
        memset (back, 0, sizeof back);
        CHECK (zmq_z85_decode (back, z) == back);
        CHECK_MEM (back, key, 32);
    }

    tu_begin ("every byte value round trips");
    {
        uint8_t all[256];
        char z[321];
        uint8_t back[256];
        size_t i;
        int only_alphabet = 1;
        for (i = 0; i < 256; i++)
            all[i] = (uint8_t) i;
        CHECK (zmq_z85_encode (z, all, 256) == z);
        CHECK_EQ_U (strlen (z), 320);
        for (i = 0; i < 320; i++)
            if (!in_alphabet (z[i]))
                only_alphabet = 0;
        CHECK (only_alphabet);
        CHECK (zmq_z85_decode (back, z) == back);
        CHECK_MEM (back, all, 256);
    }

    tu_begin ("digit order is the alphabet order");
    {
        int ok_enc = 1;
        int ok_dec = 1;
        unsigned k;
        for (k = 0; k < 85; k++) {
            uint8_t v[4] = {0, 0, 0, (uint8_t) k};
            char z[6];
            char want[6] = "0000?";
            uint8_t back[4];
            want[4] = alphabet[k];
            if (zmq_z85_encode (z, v, 4) != z || strcmp (z, want) != 0) {
                printf ("value %u encodes to \"%s\", expected \"%s\"\n", k, z,
                        want);
                ok_enc = 0;
            }
            if (zmq_z85_decode (back, want) != back || memcmp (back, v, 4) != 0)
                ok_dec = 0;
        }
        CHECK (ok_enc);
        CHECK (ok_dec);
    }

    tu_begin ("extreme 32-bit groups");
    {
        const uint8_t zero[4] = {0, 0, 0, 0};
        const uint8_t ones[4] = {0xFF, 0xFF, 0xFF, 0xFF};
        char z[6];
        CHECK_STR (zmq_z85_encode (z, zero, 4), "00000");
        CHECK_STR (zmq_z85_encode (z, ones, 4), "%nSc0");
        memset (bytes, 0xAA, 8);
        CHECK (zmq_z85_decode (bytes, "00000") == bytes);
        CHECK_MEM (bytes, zero, 4);
        CHECK (zmq_z85_decode (bytes, "%nSc0") == bytes);
        CHECK_MEM (bytes, ones, 4);
        /* the largest valid group below the overflow */
        CHECK (zmq_z85_decode (bytes, "}}}}}") == bytes);
        CHECK (zmq_z85_decode (bytes, "hello") == bytes);
        CHECK (zmq_z85_decode (bytes, "&&&&&") == bytes);
    }

    tu_begin ("encode of size 0 gives an empty string");
    {
        char *r;
        memset (text, 'x', sizeof text);
        r = zmq_z85_encode (text, hello_bytes, 0);
        CHECK (r == text);
        CHECK_EQ (text[0], '\0');
        CHECK_EQ (text[1], 'x');
    }

    tu_begin ("encode size not a multiple of 4 fails");
    {
        size_t sizes[] = {1, 2, 3, 5, 6, 7, 9, 31, 33};
        size_t i;
        for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            memset (text, 'x', 64);
            CHECK_NULL_ERRNO (zmq_z85_encode (text, hello_bytes, sizes[i]),
                              EINVAL);
            CHECK_EQ (text[0], 'x');
        }
    }

    tu_begin ("decode length not a multiple of 5 fails");
    {
        const char *inputs[] = {"H",         "He",          "Hell",
                                "HelloW",    "HelloWorl",   "HelloWorld0",
                                "HelloWorld01"};
        size_t i;
        for (i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
            memset (bytes, 0xAA, 16);
            CHECK_NULL_ERRNO (zmq_z85_decode (bytes, inputs[i]), EINVAL);
        }
    }

    tu_begin ("decode of the empty string fails");
    {
        CHECK_NULL_ERRNO (zmq_z85_decode (bytes, ""), EINVAL);
    }

    tu_begin ("decode of characters outside the alphabet fails");
    {
        const char bad[] = {' ', '"', '\'', ',', ';', '\\', '_', '`',
                            '|', '~', 0x7F, 0x01, 0x1F, '\t', '\n'};
        size_t i;
        for (i = 0; i < sizeof bad; i++) {
            char in[11];
            memcpy (in, "HelloWorld", 11);
            in[7] = bad[i];
            printf ("character 0x%02X\n", (unsigned) (unsigned char) bad[i]);
            CHECK_NULL_ERRNO (zmq_z85_decode (bytes, in), EINVAL);
            memcpy (in, "HelloWorld", 11);
            in[0] = bad[i];
            CHECK_NULL_ERRNO (zmq_z85_decode (bytes, in), EINVAL);
        }
        /* bytes with the high bit set */
        {
            char in[11];
            memcpy (in, "HelloWorld", 11);
            in[3] = (char) 0x80;
            CHECK_NULL_ERRNO (zmq_z85_decode (bytes, in), EINVAL);
            in[3] = (char) 0xFF;
            CHECK_NULL_ERRNO (zmq_z85_decode (bytes, in), EINVAL);
        }
    }

    tu_begin ("decode of a group above 0xFFFFFFFF fails");
    {
        CHECK_NULL_ERRNO (zmq_z85_decode (bytes, "%nSc1"), EINVAL);
        CHECK_NULL_ERRNO (zmq_z85_decode (bytes, "%nSc2"), EINVAL);
        CHECK_NULL_ERRNO (zmq_z85_decode (bytes, "#####"), EINVAL);
        CHECK_NULL_ERRNO (zmq_z85_decode (bytes, "HelloWorld#####"), EINVAL);
    }

    tu_begin ("encode and decode write exactly their output");
    {
        uint8_t in[12];
        size_t i;
        for (i = 0; i < 12; i++)
            in[i] = (uint8_t) (i * 21 + 1);
        memset (text, 'x', sizeof text);
        CHECK (zmq_z85_encode (text, in, 12) == text);
        CHECK_EQ_U (strlen (text), 15);
        CHECK_EQ (text[16], 'x');
        memset (bytes, 0xAA, 32);
        CHECK (zmq_z85_decode (bytes, text) == bytes);
        CHECK_MEM (bytes, in, 12);
        CHECK_EQ (bytes[12], 0xAA);
    }

    tu_begin ("round trips of many lengths");
    {
        size_t n;
        int ok = 1;
        for (n = 0; n <= 200; n += 4) {
            uint8_t in[200];
            uint8_t back[200];
            size_t i;
            for (i = 0; i < n; i++)
                in[i] = (uint8_t) ((i * 131u + n * 7u) ^ 0x5A);
            if (zmq_z85_encode (text, in, n) != text
                || strlen (text) != n / 4 * 5) {
                ok = 0;
                continue;
            }
            if (n == 0)
                continue; /* decoding "" fails, checked above */
            memset (back, 0, sizeof back);
            if (zmq_z85_decode (back, text) != back || memcmp (back, in, n) != 0)
                ok = 0;
        }
        CHECK (ok);
    }

    return tu_finish ();
}
