#!/usr/bin/env python3
"""The membrane propagator's accuracy, as quoted in Sources/Kernel/Relaxation.swift: relaxationPhi
evaluated exactly as the kernel does (Estrin with fused multiply-adds, each fma rounded once via
exact rationals) against mpmath, and one exponential-Euler step V' = V + phi*((dt/C)J - x V)
against the exact relaxation J/G + (V - J/G)exp(-G dt/C).

  /work/peers-venv/bin/python scripts/check-propagator.py   (needs mpmath)
"""
from fractions import Fraction as F
import mpmath, random
mpmath.mp.dps = 40
def fma(a,b,c): return float(F(a)*F(b)+F(c))
c=[float.fromhex(h) for h in ["0x1.0000000000000p+0", "-0x1.ffffffffffeefp-2", "0x1.555555554c832p-3",
    "-0x1.55555551cc379p-5", "0x1.111110589fe36p-7", "-0x1.6c16962d6271ap-10", "0x1.a013d18d84387p-13",
    "-0x1.9f8d22848c183p-16", "0x1.6a3c1963299dcp-19", "-0x1.d823af61bbfc6p-23"]]
MAX_X = 0.5   # relaxationMaxX
def phi(x):
    """relaxationPhi: degree 9, Estrin's scheme with fused multiply-adds."""
    x2=x*x; x4=x2*x2; x8=x4*x4
    p=[fma(c[2*i+1],x,c[2*i]) for i in range(5)]
    q0=fma(p[1],x2,p[0]); q1=fma(p[3],x2,p[2])
    return fma(p[4],x8,fma(q1,x4,q0))
random.seed(1)
worst=0
for k in range(40000):
    x=MAX_X*random.random() if k>1 else MAX_X*k
    ex = 1 if x==0 else -mpmath.expm1(-x)/x
    worst=max(worst, abs((mpmath.mpf(phi(x))-ex)/ex))
print("phi: worst relative error on [0, %g]" % MAX_X, float(worst))
# V' error
C=200.0; dt=0.1; gL=10.0; EL=-60.0; EA=0.0; EG=-80.0
worstv=0
for k in range(20000):
    ga=random.uniform(0,190); gg=random.uniform(0,190); v0=random.uniform(-80,-50)   # x = G dt/C <= 0.5
    dtC=dt/C; xL=gL*dtC; j0=(gL*EL)*dtC; eA=EA*dtC; eG=EG*dtC
    jd=fma(gg,eG,fma(ga,eA,j0)); x=fma(ga+gg,dtC,xL)
    ph=phi(x); vn=fma(ph,fma(-x,v0,jd),v0)
    G=mpmath.mpf(gL)+ga+gg; J=mpmath.mpf(gL)*EL+mpmath.mpf(ga)*EA+mpmath.mpf(gg)*EG
    vi=J/G; exact=vi+(v0-vi)*mpmath.exp(-G*dt/C)
    worstv=max(worstv, abs(vn-exact))
print("V': worst absolute error [mV], G 10-390 nS, C 200 pF, dt 0.1 ms", float(worstv))
