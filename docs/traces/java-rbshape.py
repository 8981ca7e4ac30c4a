# CLR red-black insert, as HashMap.TreeNode.balanceInsertion; nodes keyed by hash
class N:
    def __init__(s,k,h): s.k,s.h,s.l,s.r,s.p,s.red=k,h,None,None,None,True
def rotl(root,p):
    r=p.r; p.r=r.l
    if r.l: r.l.p=p
    r.p=p.p
    if not p.p: root=r; r.red=False
    elif p.p.l is p: p.p.l=r
    else: p.p.r=r
    r.l=p; p.p=r; return root
def rotr(root,p):
    l=p.l; p.l=l.r
    if l.r: l.r.p=p
    l.p=p.p
    if not p.p: root=l; l.red=False
    elif p.p.r is p: p.p.r=l
    else: p.p.l=l
    l.r=p; p.p=l; return root
def bal(root,x):
    x.red=True
    while True:
        xp=x.p
        if not xp: x.red=False; return x
        if not xp.red or not xp.p: return root
        xpp=xp.p
        if xp is xpp.l:
            u=xpp.r
            if u and u.red: u.red=xp.red=False; xpp.red=True; x=xpp
            else:
                if x is xp.r: x=xp; root=rotl(root,x); xp=x.p; xpp=xp.p if xp else None
                if xp:
                    xp.red=False
                    if xpp: xpp.red=True; root=rotr(root,xpp)
        else:
            u=xpp.l
            if u and u.red: u.red=xp.red=False; xpp.red=True; x=xpp
            else:
                if x is xp.l: x=xp; root=rotr(root,x); xp=x.p; xpp=xp.p if xp else None
                if xp:
                    xp.red=False
                    if xpp: xpp.red=True; root=rotl(root,xpp)
def ins(root,n):
    if not root: n.red=False; return n
    p=root
    while True:
        nxt = p.l if n.h<p.h else p.r
        if not nxt:
            n.p=p
            if n.h<p.h: p.l=n
            else: p.r=n
            return bal(root,n)
        p=nxt
def show(n,d=0):
    if not n: return
    show(n.r,d+1); print('    '*d+f"{n.k}(h={n.h},{'R' if n.red else 'B'})"); show(n.l,d+1)
import sys
root=None
for tok in sys.argv[1:]:
    k,h=map(int,tok.split(':')); root=ins(root,N(k,h))
show(root)
print('root',root.k,'root.left',root.l and root.l.k,'root.left.left',root.l and root.l.l and root.l.l.k,'root.right',root.r and root.r.k)
