package pgtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// The server speaks TLS too, with a certificate for the name "localhost"
// signed by an authority of its own (CA), so that the tests can connect as
// a team's clerks do, with sslmode=verify-full.

// CA is the file of the authority that signed the server's certificate,
// for sslrootcert=.
func (s *Server) CA() string { return filepath.Join(s.dir, "ca.crt") }

// Port is the port the server listens on, at 127.0.0.1.
func (s *Server) Port() int { return s.port }

// writeCerts makes the authority and the server's certificate and key.
func (s *Server) writeCerts() error {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now()
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "fapiao test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	files := []struct {
		path, kind string
		der        []byte
	}{
		{s.CA(), "CERTIFICATE", caDER},
		{filepath.Join(s.data(), "server.crt"), "CERTIFICATE", der},
		{filepath.Join(s.data(), "server.key"), "EC PRIVATE KEY", keyDER},
	}
	for _, f := range files {
		if err := os.WriteFile(f.path, pem.EncodeToMemory(&pem.Block{Type: f.kind, Bytes: f.der}), 0o600); err != nil {
			return err
		}
		if s.as != nil { // the server, running as s.as, reads them
			uid, _ := strconv.Atoi(s.as.Uid)
			gid, _ := strconv.Atoi(s.as.Gid)
			if err := os.Chown(f.path, uid, gid); err != nil {
				return err
			}
		}
	}
	return nil
}
