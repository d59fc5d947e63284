import Crypto
import Foundation
import StorageAdapters
import Testing

@testable import StorageAdapters

/// The signer against AWS's worked examples for S3 (the "Authenticating Requests" pages of the S3 API reference):
/// the example credentials, `examplebucket`, 2013-05-24T00:00:00Z.
@Suite struct SigV4SignerTests {
    let signer = SigV4Signer(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: "us-east-1")
    let date = Date(timeIntervalSince1970: 1_369_353_600)
    let host = ("host", "examplebucket.s3.amazonaws.com")

    @Test func thePresignedGETOfTheExampleIsAWSsURL() {
        let query = signer.presignedQuery(method: "GET", path: "/test.txt", headers: [host], expires: 86_400, date: date)

        #expect(
            query
                == "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
    }

    @Test func thePresignedGETsCanonicalRequestHasAWSsHash() {
        let parameters = [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"), ("X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"),
            ("X-Amz-Date", "20130524T000000Z"), ("X-Amz-Expires", "86400"), ("X-Amz-SignedHeaders", "host"),
        ]
        let (canonical, signed) = signer.canonicalRequest(
            method: "GET", path: "/test.txt", query: parameters, headers: [host], payloadHash: SigV4Signer.unsignedPayload)

        #expect(signed == "host")
        #expect(SigV4Signer.hex(SHA256.hash(data: Data(canonical.utf8))) == "3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04")
    }

    @Test func theGETObjectWithARangeIsSignedAsAWSSigns() throws {
        let headers = signer.authorizationHeaders(
            method: "GET", path: "/test.txt", query: [], headers: [host, ("Range", "bytes=0-9")], payloadHash: SigV4Signer.emptyPayloadHash,
            date: date)

        let values = Dictionary(uniqueKeysWithValues: headers)
        #expect(values["x-amz-date"] == "20130524T000000Z")
        #expect(
            values["Authorization"]
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func theStringToSignOfTheRangedGETIsAWSs() {
        let (canonical, _) = signer.canonicalRequest(
            method: "GET", path: "/test.txt", query: [],
            headers: [
                host, ("Range", "bytes=0-9"), ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash), ("x-amz-date", "20130524T000000Z"),
            ],
            payloadHash: SigV4Signer.emptyPayloadHash)

        #expect(
            signer.stringToSign(canonical, date: date)
                == "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
                + "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972")
    }

    @Test func theListObjectsExampleSortsItsQueryAndSignsAsAWSSigns() {
        let headers = signer.authorizationHeaders(
            method: "GET", path: "/", query: [("prefix", "J"), ("max-keys", "2")], headers: [host], payloadHash: SigV4Signer.emptyPayloadHash,
            date: date)

        #expect(
            Dictionary(uniqueKeysWithValues: headers)["Authorization"]?.hasSuffix(
                "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7") == true)
    }

    @Test func anyChangeToAPresignedRequestChangesItsSignature() {
        let signature = { (expires: Int, path: String, secret: String) in
            SigV4Signer(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: secret, region: "us-east-1")
                .presignedQuery(method: "GET", path: path, headers: [host], expires: expires, date: date)
                .components(separatedBy: "X-Amz-Signature=").last
        }
        let original = signature(86_400, "/test.txt", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")

        #expect(original == "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
        #expect(signature(86_401, "/test.txt", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") != original)
        #expect(signature(86_400, "/test.txu", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") != original)
        #expect(signature(86_400, "/test.txt", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ") != original)
    }

    @Test func neitherTheSignerNorTheAdapterEverShowsTheSecret() throws {
        let storage = S3ObjectStorage(
            location: try S3Location("s3://uploads"), accessKeyID: "AKIAIOSFODNN7EXAMPLE",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", logger: quietLogger)
        var dumped = ""
        dump(storage, to: &dumped)

        #expect(!"\(signer)".contains("wJalrXUtnFEMI"))
        #expect(!String(reflecting: signer).contains("wJalrXUtnFEMI"))
        #expect(!"\(storage)".contains("wJalrXUtnFEMI"))
        #expect(!dumped.contains("wJalrXUtnFEMI"))
        #expect(dumped.contains("AKIAIOSFODNN7EXAMPLE"))
    }

    @Test func locationsAreCheckedWithoutEchoingThem() throws {
        let location = try S3Location("s3://uploads?endpoint=http://127.0.0.1:9000&region=eu-west-1")
        #expect(location.bucket == "uploads")
        #expect(location.region == "eu-west-1")
        #expect(location.host == "127.0.0.1:9000")
        #expect(try S3Location("s3://uploads").endpoint.absoluteString == "https://s3.us-east-1.amazonaws.com")
        #expect(try S3Location("s3://uploads?endpoint=https://s3.example.com:443").host == "s3.example.com")
        for bad in [
            "s3://", "http://bucket", "s3://Upper", "s3://key:secret@bucket", "s3://bucket?endpoint=ftp://x", "s3://bucket?acl=x",
            "s3://bucket/path", "s3://bucket?endpoint=http://h/p",
        ] {
            #expect(throws: S3Location.Invalid.self, "\(bad)") { try S3Location(bad) }
        }
    }
}
